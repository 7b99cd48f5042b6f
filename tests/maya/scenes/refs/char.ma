//Maya ASCII 2018 scene
//Name: char.ma
//Codeset: UTF-8
file -rdi 1 -ns "prop" -rfn "propRN" -typ "mayaAscii" "refs/prop.ma";
file -r -ns "prop" -rfn "propRN" -typ "mayaAscii" "refs/prop.ma";
requires maya "2018";
fileInfo "product" "Maya 2018";
createNode transform -n "charCam";
createNode camera -n "charCamShape" -p "charCam";
createNode transform -n "charCam2";
createNode camera -n "charCamShape2" -p "charCam2";
	setAttr ".rnd" no;
createNode file -n "skin";
	setAttr ".ftn" -type "string" "sourceimages/char_skin.png";
createNode file -n "eyes";
	setAttr ".ftn" -type "string" "eyes.png";
// End of char.ma
