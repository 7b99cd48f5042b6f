//Maya ASCII 2018 scene
//Name: still_frame.ma
//Codeset: UTF-8
requires maya "2018";
currentUnit -l centimeter -a degree -t film;
fileInfo "application" "maya";
fileInfo "product" "Maya 2018";
createNode transform -n "cam";
createNode camera -n "camShape" -p "cam";
	setAttr -k off ".v";
createNode renderLayerManager -n "renderLayerManager";
	setAttr -s 2 ".rlmi[1]"  1;
createNode renderLayer -n "defaultRenderLayer";
	setAttr ".g" yes;
createNode renderLayer -n "turntable";
	setAttr ".adjs[0].val" yes;
	setAttr ".rlid" 1;
select -ne :time1;
	setAttr ".o" 37;
	setAttr ".unw" 37;
select -ne :defaultRenderGlobals;
	setAttr ".ren" -type "string" "mayaSoftware";
	setAttr ".fs" 1;
	setAttr ".ef" 100;
	setAttr ".bfs" 2;
connectAttr ":defaultRenderGlobals.an" "turntable.adjs[0].plg";
connectAttr "renderLayerManager.rlmi[1]" "turntable.rlid";
// End of still_frame.ma
